"""`make bench`: Trust Coach against the floor and the usual way of building this skill."""
