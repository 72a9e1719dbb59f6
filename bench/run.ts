// `npm run bench`: the project's performance figures. Nothing here is a test; it prints numbers.
import { measureChecksSpeed } from "./checks-speed.js";

console.log("Django checks engine (parse + all rules, every line changed, median of 5 runs)");
console.log("| files | lines | median ms | findings |");
console.log("| ---: | ---: | ---: | ---: |");
for (const size of [1, 20, 300]) {
  const r = measureChecksSpeed(size);
  console.log(`| ${r.files} | ${r.lines} | ${r.medianMs.toFixed(1)} | ${r.findings} |`);
}
