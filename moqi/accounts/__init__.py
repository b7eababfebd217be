"""Users, roles and password hashing (argon2)."""

ROLES = ("agent", "team_lead", "knowledge_editor", "expert", "admin")
