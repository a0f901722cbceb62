"""One Textual screen per module, named after what the user sees."""
