import { describe, expect, it } from "vitest";
import { permissionProblem } from "../../src/github/permissions.js";

const error = (
  status: number,
  method: string,
  url: string,
  headers: Record<string, string> = {},
  message = "Resource not accessible by integration",
) => ({
  status,
  message,
  request: { method, url },
  response: { headers },
});

describe("permissionProblem", () => {
  it("names the permission GitHub says it wanted, else the one the endpoint needs", () => {
    expect(
      permissionProblem(
        error(403, "POST", "https://api.github.com/repos/o/r/pulls/2/reviews", {
          "x-accepted-github-permissions": "pull_requests=write",
        }),
      ),
    ).toEqual({
      request: "POST /repos/o/r/pulls/2/reviews",
      status: 403,
      permission: "pull_requests: write",
    });
    expect(permissionProblem(error(403, "POST", "https://ghe.example/api/v3/repos/o/r/check-runs"))?.permission).toBe(
      "checks: write",
    );
    expect(permissionProblem(error(403, "PATCH", "https://api.github.com/repos/o/r/check-runs/7"))?.permission).toBe(
      "checks: write",
    );
    expect(
      permissionProblem(error(404, "GET", "https://api.github.com/repos/o/r/pulls/2/files?per_page=100"))?.permission,
    ).toBe("pull_requests: read");
    expect(
      permissionProblem(error(403, "GET", "https://api.github.com/repos/o/r/contents/a.py?ref=x"))?.permission,
    ).toBe("contents: read");
  });

  it("is not a permission problem when it is a rate limit, another status, or an endpoint it does not know", () => {
    expect(
      permissionProblem(
        error(403, "POST", "https://api.github.com/repos/o/r/pulls/2/reviews", { "x-ratelimit-remaining": "0" }),
      ),
    ).toBeUndefined();
    expect(
      permissionProblem(
        error(403, "POST", "https://api.github.com/repos/o/r/pulls/2/reviews", { "retry-after": "60" }),
      ),
    ).toBeUndefined();
    expect(
      permissionProblem(
        error(
          403,
          "POST",
          "https://api.github.com/repos/o/r/pulls/2/reviews",
          {},
          "You have exceeded a secondary rate limit",
        ),
      ),
    ).toBeUndefined();
    expect(permissionProblem(error(422, "POST", "https://api.github.com/repos/o/r/pulls/2/reviews"))).toBeUndefined();
    expect(permissionProblem(error(403, "GET", "https://api.github.com/user"))).toBeUndefined();
    expect(permissionProblem(new Error("socket hang up"))).toBeUndefined();
  });
});
