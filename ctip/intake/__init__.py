"""Front-line encounter screenings, public tips, forced-labour allegations, triage and referral."""
