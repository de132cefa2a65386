"""Trust Coach: an Alexa skill that helps people rebuild trust in a relationship."""
