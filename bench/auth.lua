-- wrk script: adds the gateway API key as a Bearer token to every request.
-- The key comes from the environment (bench/run exports SG_API_KEY from .dev/env).
local key = os.getenv("SG_API_KEY")
if key == nil or key == "" then
  error("bench/auth.lua: SG_API_KEY is not set")
end

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Accept"] = "application/json"
