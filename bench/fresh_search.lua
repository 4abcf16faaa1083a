-- For bench/run.py: every request is a search no one has made before, so none comes from the cache.
-- wrk -s bench/fresh_search.lua "http://HOST/search/?q=credits" adds &fresh=THREAD-COUNT to each one:
-- the search ignores that parameter, and any parameter but q and page keeps a search out of the cache.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local sent = 0

function request()
  sent = sent + 1
  return wrk.format("GET", wrk.path .. "&fresh=" .. thread_number .. "-" .. sent)
end
