import type { Emotion } from '../src/labels.js';

/**
 * Sentences written and labelled for this test (not taken from the model's
 * prototypes). Disgust is absent: the model in use has no disgust label
 * (see LABEL_MAPS), so it cannot be scored on it.
 */
export const LABELLED: readonly { text: string; label: Emotion }[] = [
  { text: 'We won the championship and everyone is celebrating tonight!', label: 'joy' },
  { text: 'I am so happy that my sister is finally coming home.', label: 'joy' },
  { text: 'This is the best birthday present I have ever received.', label: 'joy' },
  { text: 'The whole team is delighted with how the launch went.', label: 'joy' },
  { text: 'What a wonderful, sunny morning to go for a walk with friends.', label: 'joy' },
  { text: 'My old dog passed away last night and the house feels empty.', label: 'sadness' },
  { text: 'I miss my grandmother every single day since the funeral.', label: 'sadness' },
  { text: 'She cried alone in her room after the breakup.', label: 'sadness' },
  { text: 'Nobody came to his retirement party and he felt forgotten.', label: 'sadness' },
  { text: 'I feel hopeless and lonely these days.', label: 'sadness' },
  { text: 'I am furious that they cancelled my order without telling me!', label: 'anger' },
  { text: 'Stop interrupting me, this is absolutely infuriating.', label: 'anger' },
  { text: 'He slammed the door, shouting that he was sick of their lies.', label: 'anger' },
  { text: 'How dare you speak to my staff like that!', label: 'anger' },
  { text: 'I am so angry at the landlord for ignoring the broken heating again.', label: 'anger' },
  { text: 'I am terrified that someone is following me home in the dark.', label: 'fear' },
  { text: 'My hands shake whenever I think about the surgery tomorrow.', label: 'fear' },
  { text: 'The children hid under the bed, scared of the thunder.', label: 'fear' },
  { text: 'I am afraid we will lose everything if the company goes under.', label: 'fear' },
  { text: 'There is a strange noise downstairs and I am too frightened to look.', label: 'fear' },
  { text: 'Wow, I did not expect to see you here at all!', label: 'surprise' },
  { text: 'I cannot believe it, they actually gave me the job out of nowhere!', label: 'surprise' },
  { text: 'What? The meeting was moved to today? That is unexpected.', label: 'surprise' },
  { text: 'She was astonished when the whole class stood up and clapped.', label: 'surprise' },
  { text: 'No way, you built this whole thing in one weekend?', label: 'surprise' },
  { text: 'The meeting is scheduled for Tuesday at ten in room four.', label: 'neutral' },
  { text: 'Please attach the invoice to the ticket before Friday.', label: 'neutral' },
  { text: 'The report contains three sections and an appendix.', label: 'neutral' },
  { text: 'The train to Berlin leaves from platform two.', label: 'neutral' },
  { text: 'Update the configuration file and restart the service.', label: 'neutral' },
];
