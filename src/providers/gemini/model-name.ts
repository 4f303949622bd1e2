/** A Gemini model id without its `models/` or `tunedModels/` collection prefix. */
export function bareModel(model: string): string {
  return model.replace(/^(models|tunedModels)\//, '');
}
