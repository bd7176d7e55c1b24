-- An answer the user stopped is kept as far as it got, and marked so.
ALTER TABLE llm_messages ADD COLUMN stopped boolean NOT NULL DEFAULT false;
