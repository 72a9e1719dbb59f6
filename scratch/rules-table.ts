import { RULES } from "../src/checks/index.js";
console.log("| id | category | severity | persona | what it flags |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of RULES) console.log(`| ${r.id} | ${r.category} | ${r.severity} | ${r.persona} | ${r.title.replace(/\|/g, "\\|")} |`);
