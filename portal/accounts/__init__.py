"""Users, roles, authentication, sessions and password management."""
