"""Calendar feeds: subscription links for a client, a staff member or a group, and the
feeds they serve, read across programmes, coaching and clients."""
