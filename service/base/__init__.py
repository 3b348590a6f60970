"""The ground floor: what every domain stands on, knowing none of them."""
