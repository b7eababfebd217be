"""Role-play: an agent practises against a simulated customer built from real dialogues, scored
by the assist engine on empathy, correctness, three-way confirmation and closing."""
