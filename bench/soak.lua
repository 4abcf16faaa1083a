-- For bench/soak.py: a mix of what readers ask for, in turn: home, the advice page, a topic, the contact
-- page, a search, the study-time calculator and the stylesheet (its path is given as the URL's path).
local paths = {
  "/", "/plan-your-career/micro-credentials/", "/plan-your-career/", "/contact/",
  "/search/?q=credits", "/tools/study-time/?credits=15&hours=6", nil,
}
local count = 0

function init(args)
  paths[#paths + 1] = wrk.path
end

function request()
  count = count + 1
  return wrk.format("GET", paths[(count % #paths) + 1])
end
