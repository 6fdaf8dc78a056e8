/** The hub's starting matching model (made by `npm run match:train`), checked on load. */
import type { MatchModel } from './model';
import { modelVersion } from './model';
import model from './default-model.json';

const { version, ...params } = model as MatchModel;
if (modelVersion(params) !== version) throw new Error('default-model.json does not match its version');

export const DEFAULT_MODEL: MatchModel = model as MatchModel;
