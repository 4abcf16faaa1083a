-- For bench/run.py: every request is a search no one has made before, so the cache never answers it,
-- and each answer is stored as a real new search's would be.
-- wrk -s bench/fresh_search.lua "http://HOST/search/?q=credits" adds &page=N, a different N every time:
-- a page number past the last one means the last page, so every request gets the same results
-- (the same query, the same snippets), each under a cache key of its own.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local sent = 0

function request()
  sent = sent + 1
  return wrk.format("GET", wrk.path .. "&page=" .. (thread_number * 1000000000 + sent))
end
