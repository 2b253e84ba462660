"""Notes owned by users: the objects of the site's object permissions."""
