/**
 * The project's own emotion "model": labelled prototype sentences, embedded by
 * all-MiniLM-L6-v2; a text takes the label of the nearest centroid. No
 * registry reachable here carries a text-emotion model with its weights (see
 * models/README.md). These sentences are not the test set.
 */
export const EmotionLabel = {
  Joy: 'joy',
  Sadness: 'sadness',
  Anger: 'anger',
  Fear: 'fear',
  Surprise: 'surprise',
  Neutral: 'neutral',
} as const;
export type EmotionLabel = (typeof EmotionLabel)[keyof typeof EmotionLabel];

export const emotionPrototypes: Readonly<Record<EmotionLabel, readonly string[]>> = {
  joy: [
    'I am so happy right now.',
    'This is the best day of my life!',
    'I feel wonderful and full of joy.',
    'We are thrilled and delighted with the results.',
    'That made me smile all day, I love it.',
    'I am grateful and cheerful today.',
    'What a fantastic, happy surprise party, I am overjoyed.',
    'Feeling great, everything is going so well.',
  ],
  sadness: [
    'I feel so sad and lonely.',
    'I miss her terribly, my heart is broken.',
    'I have been crying all night.',
    'Everything feels hopeless and gloomy.',
    'I am heartbroken and depressed.',
    'It is painful to lose someone you love.',
    'I feel empty and down today.',
    'We are grieving the loss of our friend.',
  ],
  anger: [
    'I am furious about this!',
    'This makes me so angry I could scream.',
    'How dare you lie to me, I am outraged.',
    'I am sick and tired of this nonsense.',
    'Stop it, you are making me mad!',
    'I hate being treated with such disrespect.',
    'That is infuriating and completely unacceptable.',
    'I am annoyed and irritated by their behaviour.',
  ],
  fear: [
    'I am scared and terrified.',
    'I am afraid something terrible will happen.',
    'My hands are shaking, I am so frightened.',
    'I feel anxious and nervous about tomorrow.',
    'There is someone outside, I am panicking.',
    'I dread what the test results will show.',
    'The dark forest fills me with fear.',
    'I am worried we will not make it out alive.',
  ],
  surprise: [
    'Wow, I did not expect that at all!',
    'I am shocked, what just happened?',
    'That was completely unexpected.',
    'No way, I cannot believe it!',
    'I am astonished by this news.',
    'Whoa, that came out of nowhere!',
    'What? Really? That is amazing and unexpected.',
    'I was stunned when I heard it.',
  ],
  neutral: [
    'The meeting is at three o clock.',
    'Please send me the report by Monday.',
    'The train leaves from platform four.',
    'The document has twelve pages.',
    'I will take the bus to work.',
    'The store opens at nine in the morning.',
    'Here is the list of items we need.',
    'The package was delivered on Tuesday.',
  ],
};
