FROM node:20 AS build
CMD ["npm", "test"]
CMD ["npm", "start"]
FROM node:20
CMD ["node", "a.js"]
CMD node b.js
CMD ["node", "c.js"]
# expect-lines: 3,6,7
