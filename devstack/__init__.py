"""The local stack: real emulators on free ports, started and stopped by scripts and tests."""
