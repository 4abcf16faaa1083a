// ESLint for the site's small browser scripts (static/js). Run it with `make lint-js` (part of `make lint`).
// Each file is a classic script loaded with `defer` (no modules, no bundler): it wraps itself in an arrow
// function run at once, in strict mode, so that nothing it declares reaches the page's global scope.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    // Collected static files, the Python venv and npm's own packages are not ours to lint.
    ignores: ["node_modules/", ".venv/", "staticfiles/", "test-results/", "screenshots/"],
  },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    linterOptions: {
      reportUnusedDisableDirectives: "error",
    },
    rules: {
      // Modern syntax.
      "no-var": "error",
      "prefer-const": "error",
      "prefer-arrow-callback": "error",
      "prefer-template": "error",
      "object-shorthand": "error",
      // Strict equality everywhere (no `== null` exception).
      eqeqeq: ["error", "always"],
      // Every file: (() => { "use strict"; ... })(); classic scripts share one global scope, and a
      // top-level `const form` in two files would be a SyntaxError in the second.
      strict: ["error", "function"],
      "no-implicit-globals": ["error", { lexicalBindings: true }],
      // `if (!form) return;` on one line is fine; a body on its own line needs braces.
      curly: ["error", "multi-line"],
      "no-unused-vars": ["error", { caughtErrors: "all" }],
    },
  },
];
