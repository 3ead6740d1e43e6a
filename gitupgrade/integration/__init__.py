"""Where people work: the check gate, pre-push hook, SARIF and annotations, pull requests."""
