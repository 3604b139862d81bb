"""Jobs find people (岗位找人): job-seeker registration, matching with reasons, invitations."""
