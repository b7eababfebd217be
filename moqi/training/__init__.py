"""Training: courseware, quizzes and role-play for agents."""
