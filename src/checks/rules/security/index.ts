import type { Rule } from "../../types.js";
import { rawSqlFormatting } from "./sql.js";
import { markSafeOnVariable, templateUnescaped, variableInScript } from "./escaping.js";
import { debugTrue, hardcodedSecretKey, hostsAndCors, insecureCookies, insecureSetCookie } from "./settings.js";
import { csrfExempt, htmxWithoutCsrf, formWithoutCsrfToken } from "./csrf.js";
import { foreignEscapeImport } from "./escape-import.js";
import { unsanitisedMarkdown } from "./markdown.js";
import { unsafeDeserialization, openRedirect, allFieldsExposed, reflectedResponse } from "./requests.js";

export const securityRules: Rule[] = [
  rawSqlFormatting,
  markSafeOnVariable,
  templateUnescaped,
  csrfExempt,
  debugTrue,
  hardcodedSecretKey,
  hostsAndCors,
  insecureCookies,
  unsafeDeserialization,
  htmxWithoutCsrf,
  formWithoutCsrfToken,
  openRedirect,
  allFieldsExposed,
  reflectedResponse,
  variableInScript,
  insecureSetCookie,
  foreignEscapeImport,
  unsanitisedMarkdown,
];
