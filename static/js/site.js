// Small progressive enhancements. The site works fully without this file.
