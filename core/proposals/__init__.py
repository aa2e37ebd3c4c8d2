"""AI-made (and agent-made) proposals: operations a baker reviews, edits, confirms, rejects or undoes."""
