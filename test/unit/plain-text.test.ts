import { describe, expect, it } from "vitest";
import { plainText } from "../../src/comments/plain-text.js";
import { code } from "../../src/comments/markdown.js";

describe("plainText", () => {
  it("keeps code as written, without fences, and drops markup outside code", () => {
    expect(plainText("set `hx-headers` on `<body>`, or use `{% csrf_token %}`")).toBe(
      "set hx-headers on <body>, or use {% csrf_token %}",
    );
    expect(plainText(`**🟠 major** ${code("a `b` c")} <sub>moved</sub>\n\n<!-- django-review fp=1 -->`)).toBe(
      "🟠 major a `b` c moved",
    );
    expect(plainText(code("`edge`"))).toBe("`edge`");
  });
});
