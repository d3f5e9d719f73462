"""Proposals and endorsements: problem statements from government agencies, draft projects and
recommendations from associations, their way through screening and the committee's agenda to
implementation, the associations that endorse them, and the categories they are filed under."""
