"""Administration: users, roles, invitations, the e-mail outbox."""
