export { build, type EmotionAppOptions } from './app.js';
export { EmotionClassifier, InferenceEmotionModel, type Classification, type EmotionModel } from './classifier.js';
export { EMOTION_LABELS, LABEL_MAPS, type Emotion } from './labels.js';
export type { EmotionServices } from './routes/classify.js';
