/** Lambda entry for route group `health`. */
import { createHealthGroup } from '../groups/health';

declare const __XQ_REGISTRY__: string;
const { hubId, provinceCode } = JSON.parse(__XQ_REGISTRY__) as { hubId: string; provinceCode: string };

export const handler = createHealthGroup({ hubId, province: provinceCode });
