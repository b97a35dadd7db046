"""Who you are and whether you may: passwords, policy, lockout, sessions, roles."""
