import type { Rule } from "../../types.js";
import { relatedAccessInLoop, queryInLoop } from "./n-plus-one.js";
import { templateRelatedInLoop } from "./templates.js";
import { lenOfQueryset, querysetTruthiness, countForExistence } from "./evaluation.js";
import { drfQuerysetWithoutEagerLoading, unboundedListEndpoint, serializerMethodQueries } from "./drf.js";
import { writesInLoop } from "./writes.js";
import { adminListWithoutSelectRelated } from "./admin.js";
import { relatedIdThroughObject } from "./related-id.js";
import { querysetForTemplate } from "./template-context.js";
import { removedEagerLoading } from "./removed-loading.js";
import { prefetchForForwardRelation } from "./loading-choice.js";

export const queryRules: Rule[] = [
  relatedAccessInLoop,
  queryInLoop,
  drfQuerysetWithoutEagerLoading,
  lenOfQueryset,
  querysetTruthiness,
  countForExistence,
  templateRelatedInLoop,
  unboundedListEndpoint,
  adminListWithoutSelectRelated,
  writesInLoop,
  serializerMethodQueries,
  relatedIdThroughObject,
  querysetForTemplate,
  removedEagerLoading,
  prefetchForForwardRelation,
];
