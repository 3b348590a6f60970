"""Data rights (issue 21): the complete export of everything Polku holds on one client,
JSON and a printable page, and the client's access requests it answers. A composer: the
export reads every domain's tables."""
