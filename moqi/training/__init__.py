"""Training: courseware and quizzes generated from the content, scored, with each agent's
progress and the weak areas their own contacts show; and role-play against a simulated
customer (roleplay/)."""
