-- Emotion results used to be written twice: by the emotion service into its own
-- emotion_events table, and (now) to insights as emotion.segment events. Nothing
-- read that table, and the emotion service keeps no database any more: insights'
-- events are the one record of emotion results, so the table and its migration
-- log go. Insights drops them because it owns that data now and always has the
-- database; both statements are no-ops where the tables never existed.
DROP TABLE IF EXISTS emotion_events;
DROP TABLE IF EXISTS emotion_migrations;
