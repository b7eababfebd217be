"""Messages to customers (surveys, notices, payment reminders) through one gateway."""
