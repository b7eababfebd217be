"""Service desk: customers, contacts (calls and chats) and their utterances."""
