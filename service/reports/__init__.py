"""Reports: a group's figures, outcome figures for funders, the ESF+ participant export."""
