"""The platform's model: FollowTheMoney use, workflow record types and enums; no I/O."""
