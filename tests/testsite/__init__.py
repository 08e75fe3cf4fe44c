"""Local union news sites served on 127.0.0.x for the crawler tests and benchmark (see server.py)."""
