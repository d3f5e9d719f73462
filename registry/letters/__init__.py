"""Official letters (หนังสือภายนอก) and the outgoing-letter register (ทะเบียนหนังสือส่ง)."""
