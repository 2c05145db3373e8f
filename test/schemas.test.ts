import { describe, it, expect } from "vitest";
import type { Finding } from "../src/app/findings.js";
import { parseJson } from "../src/app/json.js";
import { schemas, validate, type SchemaKind } from "../src/app/schemas/index.js";

/** Parse like a reader does, then validate with the parsed tree. */
function check(kind: SchemaKind, text: string, file = "config.json"): Finding[] {
  const parsed = parseJson(text, file);
  expect(parsed.findings.filter((f) => f.severity === "error")).toEqual([]);
  return validate(kind, parsed.value, text, file, parsed.tree);
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0]!;
}

const allKinds: SchemaKind[] = [
  "webhook-config",
  "service-config",
  "endpoints",
  "endpoints-output",
  "function-manifest",
  "function-manifest-output",
  "legacy-function-config",
  "root-config-v1",
  "realm-config",
  "root-config-20230101",
  "value",
  "mdb-meta",
  "app-meta",
];

describe("schemas map", () => {
  it("has one draft-07 schema per kind with a matching $id, title and description", () => {
    expect(Object.keys(schemas).sort()).toEqual([...allKinds].sort());
    for (const kind of allKinds) {
      const s = schemas[kind] as Record<string, unknown>;
      expect(s.$id).toBe(`https://hookshift.dev/schemas/${kind}.json`);
      expect(s.$schema).toBe("http://json-schema.org/draft-07/schema#");
      expect(typeof s.title).toBe("string");
      expect(typeof s.description).toBe("string");
    }
  });

  it("returns no findings for undefined (unparseable) input", () => {
    expect(validate("webhook-config", undefined, "{", "x.json")).toEqual([]);
  });
});

describe("webhook-config", () => {
  it("accepts a 20200603 export, with extra fields and without respond_result", () => {
    const text = `{
  "name": "find",
  "id": "5c1b7c6ecf1f5d0e7a0a1f2b",
  "run_as_authed_user": false,
  "run_as_user_id": "",
  "run_as_user_id_script_source": "",
  "can_evaluate": {},
  "options": {
    "httpMethod": "GET",
    "validationMethod": "SECRET_AS_QUERY_PARAM",
    "secret": "s3cr3t",
    "secretAsQueryParam": true
  },
  "fetch_custom_user_data": false,
  "create_user_on_auth": false,
  "disable_arg_logs": true,
  "run_as_system": false,
  "private": false,
  "some_future_field": 1
}`;
    expect(check("webhook-config", text)).toEqual([]);
  });

  it("reports an unknown httpMethod at the key, with the allowed values", () => {
    const text = `{
  "name": "find",
  "respond_result": true,
  "options": {
    "httpMethod": "FETCH",
    "validationMethod": "NO_VALIDATION"
  }
}`;
    const f = only(check("webhook-config", text, "services/http/incoming_webhooks/find/config.json"));
    expect(f).toMatchObject({
      severity: "error",
      code: "schema",
      file: "services/http/incoming_webhooks/find/config.json",
      line: 5,
      column: 5,
    });
    expect(f.message).toBe('options.httpMethod must be one of GET, POST, PUT, PATCH, DELETE, HEAD, ANY (found "FETCH")');
    expect(f.hint).toMatch(/options\.httpMethod/);
  });

  it("reports a missing name at the root object and a wrong type once (no extra enum error)", () => {
    const text = `{
  "options": {
    "validationMethod": 3
  }
}`;
    const findings = check("webhook-config", text);
    expect(findings).toHaveLength(2);
    expect(findings).toContainEqual(expect.objectContaining({ line: 1, column: 1, message: 'The file is missing the required field "name"' }));
    expect(findings).toContainEqual(
      expect.objectContaining({
        line: 3,
        column: 5,
        message: "options.validationMethod must be a string (found the number 3)",
      }),
    );
  });

  it("reports a non-boolean flag", () => {
    const text = `{
  "name": "hook",
  "respond_result": "yes"
}`;
    const f = only(check("webhook-config", text));
    expect(f).toMatchObject({ line: 3, column: 3 });
    expect(f.message).toBe('respond_result must be a boolean (true or false) (found the string "yes")');
  });

  it("locates positions by parsing the text when no tree is given (BOM tolerated)", () => {
    const text = `\ufeff{
  "name": "hook",
  "options": { "httpMethod": "get" }
}`;
    const value = { name: "hook", options: { httpMethod: "get" } };
    const f = only(validate("webhook-config", value, text, "w.json"));
    expect(f).toMatchObject({ file: "w.json", line: 3, column: 16 });
    expect(f.message).toContain('(found "get")');
  });
});

describe("secrets are never echoed", () => {
  const secret = "hunter2-TOP-SECRET-9f8e7d";

  it("keeps a valid secret out of every finding when other fields are wrong", () => {
    const text = `{
  "name": "hook",
  "options": {
    "httpMethod": "FETCH",
    "validationMethod": "SECRET_AS_QUERY_PARAM",
    "secret": "${secret}",
    "secretAsQueryParam": "yes"
  }
}`;
    const findings = check("webhook-config", text);
    expect(findings.map((f) => f.message)).toEqual([
      'options.httpMethod must be one of GET, POST, PUT, PATCH, DELETE, HEAD, ANY (found "FETCH")',
      'options.secretAsQueryParam must be a boolean (true or false) (found the string "yes")',
    ]);
    expect(JSON.stringify(findings)).not.toContain(secret);
  });

  it("hides options.secret of the wrong type, also when it is an object", () => {
    const text = `{
  "name": "hook",
  "options": {
    "secret": { "value": "${secret}" }
  }
}`;
    const f = only(check("webhook-config", text));
    expect(f).toMatchObject({ line: 4, column: 5 });
    expect(f.message).toBe("options.secret must be a string (found an object; value hidden)");
    expect(JSON.stringify(f)).not.toContain(secret);
    expect(JSON.stringify(f)).not.toContain("hunter2");
  });

  it("hides a scalar secret of the wrong type", () => {
    const text = `{
  "name": "hook",
  "options": { "secret": 424242 }
}`;
    const f = only(check("webhook-config", text));
    expect(f.message).toBe("options.secret must be a string (found a number; value hidden)");
    expect(JSON.stringify(f)).not.toContain("424242");
  });
});

describe("service-config", () => {
  it("accepts a Twilio service and an HTTP service with export extras", () => {
    expect(
      check(
        "service-config",
        `{
  "name": "twilio_svc",
  "type": "twilio",
  "config": { "sid": "AC123" },
  "secret_config": { "auth_token": "__twilio_svc_auth_token" }
}`,
      ),
    ).toEqual([]);
    expect(check("service-config", `{ "name": "httpServ", "type": "some-new-type", "config": {}, "version": 1, "_id": "abc", "id": "abc" }`)).toEqual([]);
  });

  it("reports a secret_config entry that is not a Secret name", () => {
    const text = `{
  "name": "twilio_svc",
  "type": "twilio",
  "secret_config": {
    "auth_token": 12345
  }
}`;
    const f = only(check("service-config", text));
    expect(f).toMatchObject({ line: 5, column: 5 });
    expect(f.message).toBe("secret_config.auth_token must be a string (found the number 12345)");
  });

  it("reports a missing type", () => {
    const f = only(check("service-config", `{\n  "name": "x"\n}`));
    expect(f).toMatchObject({ line: 1, column: 1, message: 'The file is missing the required field "type"' });
    expect(f.hint).toBe('Add "type" at the top level of the file.');
  });
});

const endpointsText = `[
  {
    "route": "/hello",
    "http_method": "GET",
    "function_name": "endpoint/hello",
    "validation_method": "NO_VALIDATION",
    "respond_result": true,
    "fetch_custom_user_data": false,
    "create_user_on_auth": false,
    "disabled": false,
    "return_type": "JSON"
  },
  {
    "route": "/svc/hook",
    "http_method": "*",
    "function_name": "hook",
    "validation_method": "VERIFY_PAYLOAD",
    "secret_name": "hook_secret",
    "respond_result": true,
    "fetch_custom_user_data": false,
    "create_user_on_auth": false,
    "disabled": false,
    "return_type": "EJSON"
  }
]`;

describe("endpoints", () => {
  it("accepts an empty array, full entries, and entries with extras and missing fields", () => {
    expect(check("endpoints", "[]")).toEqual([]);
    expect(check("endpoints", endpointsText)).toEqual([]);
    expect(check("endpoints", `[{ "route": "/a", "http_method": "POST", "can_evaluate": {} }]`)).toEqual([]);
  });

  it("reports a route without a leading slash and a HEAD method", () => {
    const text = `[
  { "route": "/ok", "http_method": "GET" },
  {
    "route": "hello",
    "http_method": "HEAD"
  }
]`;
    const findings = check("endpoints", text);
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({ line: 4, column: 5, message: '[1].route must start with "/" (found "hello")' });
    expect(findings[1]).toMatchObject({
      line: 5,
      column: 5,
      message: '[1].http_method must be one of GET, POST, PUT, PATCH, DELETE, * (found "HEAD")',
    });
  });

  it("reports a file that is not an array", () => {
    const f = only(check("endpoints", `{ "route": "/x" }`));
    expect(f).toMatchObject({ line: 1, column: 1, message: "The file must be an array (found an object)" });
  });
});

describe("endpoints-output", () => {
  it("accepts complete entries", () => {
    expect(check("endpoints-output", endpointsText)).toEqual([]);
  });

  it("reports extra fields at the key, and a missing secret_name for VERIFY_PAYLOAD at the entry", () => {
    const text = `[
  {
    "route": "/svc/hook",
    "http_method": "POST",
    "function_name": "hook",
    "validation_method": "VERIFY_PAYLOAD",
    "respond_result": true,
    "fetch_custom_user_data": false,
    "create_user_on_auth": false,
    "disabled": false,
    "return_type": "JSON",
    "can_evaluate": {}
  }
]`;
    const findings = check("endpoints-output", text);
    expect(findings).toHaveLength(2);
    expect(findings).toContainEqual(
      expect.objectContaining({
        line: 2,
        column: 3,
        message: 'Entry [0] is missing the required field "secret_name" (needed because validation_method is "VERIFY_PAYLOAD")',
      }),
    );
    expect(findings).toContainEqual(expect.objectContaining({ line: 12, column: 5, message: 'Entry [0] has an unknown field "can_evaluate"' }));
  });

  it("does not ask for secret_name with NO_VALIDATION, but requires every other field", () => {
    const text = `[
  { "route": "/a", "http_method": "GET", "function_name": "a", "validation_method": "NO_VALIDATION",
    "respond_result": true, "fetch_custom_user_data": false, "create_user_on_auth": false, "disabled": false }
]`;
    const f = only(check("endpoints-output", text));
    expect(f).toMatchObject({ line: 2, column: 3, message: 'Entry [0] is missing the required field "return_type"' });
  });
});

describe("function-manifest", () => {
  it("accepts entries with extras", () => {
    const text = `[
  { "name": "hook", "private": true, "run_as_system": true, "disable_arg_logs": true, "can_evaluate": {} },
  { "name": "dir/fn", "run_as_user_id": "", "run_as_user_id_script_source": "", "x_extra": 1 }
]`;
    expect(check("function-manifest", text)).toEqual([]);
  });

  it("reports a non-boolean private and a missing name", () => {
    const text = `[
  {
    "name": "hook",
    "private": "no"
  },
  { "private": true }
]`;
    const findings = check("function-manifest", text);
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({
      line: 4,
      column: 5,
      message: '[0].private must be a boolean (true or false) (found the string "no")',
    });
    expect(findings[1]).toMatchObject({ line: 6, column: 3, message: 'Entry [1] is missing the required field "name"' });
  });
});

describe("function-manifest-output", () => {
  it("accepts documented fields only", () => {
    expect(check("function-manifest-output", `[{ "name": "hook", "private": true, "run_as_system": true, "can_evaluate": {} }]`)).toEqual([]);
  });

  it("reports extras and a missing private", () => {
    const text = `[
  {
    "name": "hook",
    "id": "abc"
  }
]`;
    const findings = check("function-manifest-output", text);
    expect(findings).toHaveLength(2);
    expect(findings).toContainEqual(expect.objectContaining({ line: 2, column: 3, message: 'Entry [0] is missing the required field "private"' }));
    expect(findings).toContainEqual(expect.objectContaining({ line: 4, column: 5, message: 'Entry [0] has an unknown field "id"' }));
  });
});

describe("legacy-function-config", () => {
  it("accepts a stitch export", () => {
    expect(check("legacy-function-config", `{ "_id": "5b2c", "id": "5b2c", "name": "func0", "private": false, "can_evaluate": {} }`)).toEqual([]);
  });

  it("reports a string run_as_system", () => {
    const text = `{
  "name": "func0",
  "run_as_system": "true"
}`;
    const f = only(check("legacy-function-config", text));
    expect(f).toMatchObject({ line: 3, column: 3 });
    expect(f.message).toBe('run_as_system must be a boolean (true or false) (found the string "true")');
  });
});

describe("root-config-v1", () => {
  it("accepts a 20200603 config.json and a 20180301 stitch.json with a string version", () => {
    const text = `{
  "config_version": 20200603,
  "app_id": "full-abcde",
  "name": "full",
  "location": "US-VA",
  "deployment_model": "GLOBAL",
  "security": { "allowed_request_origins": ["http://localhost:8080"] },
  "hosting": { "enabled": true, "app_default_domain": "full-abcde.example.com" },
  "custom_user_data_config": { "enabled": true, "mongo_service_name": "mongodb-atlas", "database_name": "d",
    "collection_name": "c", "user_id_field": "xref" },
  "sync": { "development_mode_enabled": false },
  "extra": true
}`;
    expect(check("root-config-v1", text)).toEqual([]);
    expect(check("root-config-v1", `{ "config_version": "20180301", "app_id": "a", "name": "a" }`)).toEqual([]);
  });

  it("reports a non-string origin at the array element", () => {
    const text = `{
  "config_version": 20200603,
  "security": {
    "allowed_request_origins": [
      "http://localhost:8080",
      42
    ]
  }
}`;
    const f = only(check("root-config-v1", text));
    expect(f).toMatchObject({ line: 6, column: 7 });
    expect(f.message).toBe("security.allowed_request_origins[1] must be a string (found the number 42)");
  });

  it("reports a boolean config_version", () => {
    const f = only(check("root-config-v1", `{\n  "config_version": true\n}`));
    expect(f).toMatchObject({ line: 2, column: 3, message: "config_version must be an integer or a string (found true)" });
  });
});

describe("realm-config", () => {
  it("accepts a 20210101 realm_config.json", () => {
    const text = `{
  "app_id": "myapp-abcde",
  "config_version": 20210101,
  "name": "myapp",
  "location": "US-VA",
  "deployment_model": "GLOBAL",
  "environment": "",
  "allowed_request_origins": ["https://example.com"]
}`;
    expect(check("realm-config", text)).toEqual([]);
  });

  it("reports an unknown deployment model", () => {
    const text = `{
  "name": "myapp",
  "deployment_model": "REGIONAL"
}`;
    const f = only(check("realm-config", text));
    expect(f).toMatchObject({ line: 3, column: 3, message: 'deployment_model must be one of GLOBAL, LOCAL (found "REGIONAL")' });
  });
});

describe("root-config-20230101", () => {
  it("accepts a plain root_config.json and a hybrid with config_version and location", () => {
    expect(
      check(
        "root-config-20230101",
        `{ "name": "app", "deployment_model": "LOCAL", "provider_region": "aws-us-east-1", "environment": "production", "allowed_request_origins": [] }`,
      ),
    ).toEqual([]);
    expect(check("root-config-20230101", `{ "name": "app", "config_version": 20210101, "location": "US-VA", "provider_region": "aws-us-east-1" }`)).toEqual([]);
  });

  it("reports allowed_request_origins that is not an array", () => {
    const text = `{
  "name": "app",
  "allowed_request_origins": "*"
}`;
    const f = only(check("root-config-20230101", text));
    expect(f).toMatchObject({
      line: 3,
      column: 3,
      message: 'allowed_request_origins must be an array (found the string "*")',
    });
  });
});

describe("value", () => {
  it("accepts plain, secret-backed and legacy values", () => {
    expect(check("value", `{ "name": "v", "value": { "a": [1, 2] }, "from_secret": false }`)).toEqual([]);
    expect(check("value", `{ "name": "v", "value": "mySecretName", "from_secret": true }`)).toEqual([]);
    expect(check("value", `{ "id": "5c1b", "name": "v", "value": null, "private": false }`)).toEqual([]);
  });

  it("reports a missing name and a string from_secret", () => {
    const text = `{
  "value": 1,
  "from_secret": "yes"
}`;
    const findings = check("value", text);
    expect(findings).toHaveLength(2);
    expect(findings).toContainEqual(expect.objectContaining({ line: 1, column: 1, message: 'The file is missing the required field "name"' }));
    expect(findings).toContainEqual(
      expect.objectContaining({ line: 3, column: 3, message: 'from_secret must be a boolean (true or false) (found the string "yes")' }),
    );
  });
});

describe("mdb-meta", () => {
  it("accepts an appservices CLI meta.json", () => {
    const text = `{
    "config_version": 20230101,
    "app_id": "67ec3fe3b38ea5c7f9ed6b3d",
    "group_id": "61a9e0afe6dc737c71ed3c1a",
    "client_app_id": "myapp-abcde",
    "last_pulled": 0
}`;
    expect(check("mdb-meta", text)).toEqual([]);
  });

  it("reports a non-string client_app_id", () => {
    const text = `{
    "config_version": 20230101,
    "client_app_id": ["myapp-abcde"]
}`;
    const f = only(check("mdb-meta", text));
    expect(f).toMatchObject({ line: 3, column: 5, message: "client_app_id must be a string (found an array)" });
  });
});

describe("app-meta", () => {
  it("accepts a realm-cli app_meta.json", () => {
    expect(check("app-meta", `{ "group_id": "g", "app_id": "a", "config_version": 20210101 }`)).toEqual([]);
  });

  it("reports a numeric group_id", () => {
    const text = `{
  "group_id": 61,
  "app_id": "a"
}`;
    const f = only(check("app-meta", text));
    expect(f).toMatchObject({ line: 2, column: 3, message: "group_id must be a string (found the number 61)" });
    expect(f.hint).toBe("Change group_id to a string.");
  });
});
