import asyncio
x = “quoted”
