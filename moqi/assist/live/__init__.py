"""The live path: contacts in memory (hub), the bus that joins workers, the group-commit writer,
the contacts' storage (services) and the live protocol (routes)."""
