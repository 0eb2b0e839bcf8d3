"""Validates ECS RegisterTaskDefinition inputs (`aws ecs register-task-definition --cli-input-json`)
against botocore's ECS service model, the one Debian's awscli ships.

botocore's ParamValidator is exactly what the aws CLI runs before it sends anything: required
members, unknown members, types, minimum lengths and values. It leaves enums and maximums to the
service, so they are checked here from the same model. Prints {"file": ["problem", ...]} as JSON.
"""
import json
import sys

try:  # Debian's awscli 2 vendors botocore under awscli.
    from awscli.botocore.session import get_session
    from awscli.botocore.validate import ParamValidator
except ImportError:  # a plain botocore install
    from botocore.session import get_session
    from botocore.validate import ParamValidator


def model_limits(value, shape, path, problems):
    """Enums and maximums, which ParamValidator does not check."""
    kind = shape.type_name
    if kind == 'structure' and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                model_limits(value[name], member, f'{path}.{name}' if path else name, problems)
    elif kind == 'list' and isinstance(value, list):
        for i, item in enumerate(value):
            model_limits(item, shape.member, f'{path}[{i}]', problems)
    elif kind == 'map' and isinstance(value, dict):
        for key, item in value.items():
            model_limits(item, shape.value, f'{path}.{key}', problems)
    elif kind == 'string' and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            problems.append(f'Invalid value for parameter {path}, value: {value}, valid values: {", ".join(shape.enum)}')
    maximum = shape.metadata.get('max')
    if maximum is not None and isinstance(value, (str, list)) and len(value) > maximum:
        problems.append(f'Invalid length for parameter {path}, value: {len(value)}, valid max length: {maximum}')


def main(files):
    operation = get_session().get_service_model('ecs').operation_model('RegisterTaskDefinition')
    report = {}
    for file in files:
        with open(file, encoding='utf-8') as handle:
            params = json.load(handle)
        result = ParamValidator().validate(params, operation.input_shape)
        problems = [line for line in result.generate_report().splitlines() if line and not line.startswith('Parameter validation failed')] if result.has_errors() else []
        model_limits(params, operation.input_shape, '', problems)
        report[file] = problems
    json.dump(report, sys.stdout)


if __name__ == '__main__':
    main(sys.argv[1:])
