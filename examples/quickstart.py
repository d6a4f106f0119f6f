"""Fit a small two-layer network to a noisy sine with rtorch's autograd, PyTorch-style.

Run: python examples/quickstart.py
"""

import math

import rtorch as torch

torch.manual_seed(0)

# Data: y = sin(x) + noise on [-pi, pi].
x = torch.linspace(-math.pi, math.pi, 256).unsqueeze(1)
y = torch.sin(x) + 0.05 * torch.randn(256, 1)

# Parameters of a 1-32-1 MLP, initialised like nn.Linear (uniform in ±1/sqrt(fan_in)).
w1 = torch.empty(1, 32).uniform_(-1.0, 1.0).requires_grad_()
b1 = torch.zeros(32, requires_grad=True)
w2 = torch.empty(32, 1).uniform_(-1 / math.sqrt(32), 1 / math.sqrt(32)).requires_grad_()
b2 = torch.zeros(1, requires_grad=True)
params = [w1, b1, w2, b2]

lr = 0.1
for step in range(501):
    pred = (x @ w1 + b1).tanh() @ w2 + b2
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    if step % 100 == 0:
        print(f"step {step:4d}  loss {loss.item():.5f}")

print(
    "final prediction at x=pi/2:",
    round(((torch.tensor([[math.pi / 2]]) @ w1 + b1).tanh() @ w2 + b2).item(), 3),
)
