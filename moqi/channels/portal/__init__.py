"""The customer's own service portal (/portal): SMS sign-in, answers from the knowledge base and
一键检测, a check of their account from what moqi knows."""
