"""Staff accounts: the staff groups, and keeping their members able to sign in to the admin."""

# The groups the migrations make (0002, 0010). Membership of any of them means the person works in the admin.
STAFF_GROUPS = ("Content editors", "Contact centre", "Reviewers")
