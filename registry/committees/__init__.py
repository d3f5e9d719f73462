"""Committees: the joint committee, its subcommittees and working groups, and the seats people
hold on them over time (meetings, agenda and minutes build on these)."""
