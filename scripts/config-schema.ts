// Writes the JSON schema of `.github/django-review.yml`, generated from the zod schema the app
// validates with (one source): editors complete and check the file with it. A test keeps it in sync.
//   npm run config:schema
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../src/config/json-schema.js";

const path = new URL("../django-review.schema.json", import.meta.url);
writeFileSync(path, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.pathname}`);
